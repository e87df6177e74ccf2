// A small static file server for the browser side, on 127.0.0.1 only (a secure context for WebGPU, and nothing
// exposed to the network). URL prefixes map to folders; a path that leaves its folder is refused, also through a
// symbolic link (the containment check compares real paths). A caller may add routes answered by code (the face
// tracker's frame and result exchange, runtime-node/tracking/). Files are served to GET and HEAD; another method
// gets 405 (with Allow); a download the client aborts closes its file at once (stream.pipeline destroys the read
// stream with the response).
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';

export interface Mount {
  /** URL prefix, starting and ending with '/' (e.g. '/pretrained/') */
  readonly prefix: string;
  readonly dir: string;
  /** when given, only files with these extensions are served from this mount (e.g. ['.safetensors']) */
  readonly extensions?: readonly string[];
}

/** A URL path answered by code instead of a file. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  handle(request: IncomingMessage, response: ServerResponse): void;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wav': 'audio/wav',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.safetensors': 'application/octet-stream',
};

/** The file a URL path names under the mounts (longest prefix first), or null. `index.html` for a folder. */
export function resolveFile(mounts: readonly Mount[], urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const mount = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length).find((m) => path.startsWith(m.prefix));
  if (!mount) return null;
  const inside = (root: string, file: string) => file === root || file.startsWith(root + sep);
  const root = resolve(mount.dir);
  let file = resolve(root, `.${sep}${path.slice(mount.prefix.length)}`);
  if (!inside(root, file)) return null;
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    if (mount.extensions && !mount.extensions.includes(extname(file).toLowerCase())) return null;
    const real = realpathSync(file);
    if (!inside(realpathSync(root), real)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

export async function startServer(mounts: readonly Mount[], port = 0, routes: readonly Route[] = []): Promise<RunningServer> {
  const server: Server = createServer((request, response) => {
    const urlPath = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const route = routes.find((r) => r.path === urlPath && r.method === request.method);
    if (route) {
      route.handle(request, response);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const allow = ['GET', 'HEAD', ...routes.filter((r) => r.path === urlPath).map((r) => r.method)].filter((m, i, all) => all.indexOf(m) === i).join(', ');
      response.writeHead(405, { allow, 'content-type': 'text/plain; charset=utf-8' }).end(`method ${request.method} not allowed for ${urlPath} (allowed: ${allow})\n`);
      return;
    }
    const file = resolveFile(mounts, urlPath);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${urlPath}\n`);
      return;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': 'no-store',
    });
    if (request.method === 'HEAD') response.end();
    // An aborted or failed response has nothing left to report to; the stream is closed either way.
    else pipeline(createReadStream(file), response, () => undefined);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
