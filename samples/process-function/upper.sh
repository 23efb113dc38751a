#!/bin/sh
# A process function in shell: stdin in, stdout out, exit code decides success.
tr '[:lower:]' '[:upper:]'
