/**
 * Where this node answers: the API (functions call HubSpot's API host back through it) and the public endpoint
 * functions' own listener. Both are known only once they listen (port 0 picks one), so the platform is built with this
 * empty and the server fills it in once, right after listening; readers ask at the time they need a URL.
 */
export class Addresses {
  private urls: { api: string; functions: string } | undefined;

  listening(urls: { api: string; functions: string }): void {
    if (this.urls) throw new Error("The server's addresses are already known.");
    this.urls = urls;
  }

  /** The API on loopback-reachable host and port, for functions' calls; undefined until it listens. */
  get api(): string | undefined {
    return this.urls?.api;
  }

  /** The public URL of the endpoint functions' listener (functions/endpoint-server.ts); undefined until it listens. */
  get functions(): string | undefined {
    return this.urls?.functions;
  }
}
