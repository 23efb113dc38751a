function handler () {
  echo "{\"received\":$1,\"function\":\"$AWS_LAMBDA_FUNCTION_NAME\"}"
}
