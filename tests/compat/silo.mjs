// Starts the real silo executable (embedded profile) on free ports for the compatibility suite.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startSilo(extraEnv = {}) {
  const configuration = process.env.CONFIGURATION ?? 'Release';
  const dll = process.env.SILO_DLL ?? path.join(root, 'silo', 'bin', configuration, 'net10.0', 'Orleans.AsyncInvoke.Silo.dll');
  if (!existsSync(dll)) {
    throw new Error(`Build the solution first (${dll} is missing).`);
  }

  const [http, silo, gateway] = [await freePort(), await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${http}`;
  const child = spawn('dotnet', [dll, '--urls', endpoint], {
    cwd: path.dirname(dll),
    env: {
      ...process.env,
      DOTNET_ENVIRONMENT: 'Production',
      // The tests read what a function received back from its invocation's record, so succeeded ones keep their payloads.
      AsyncInvoke__KeepSucceededPayloads: 'true',
      AsyncInvoke__Cluster__SiloPort: String(silo),
      AsyncInvoke__Cluster__GatewayPort: String(gateway),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The silo exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`${endpoint}/readyz`);
      if (response.ok) {
        return { endpoint, stop: () => child.kill('SIGKILL'), output: () => output };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`The silo did not become ready:\n${output}`);
}
