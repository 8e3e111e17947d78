// @npmcli/map-workspaces ships no types; this is the one call the builder makes.
declare module "@npmcli/map-workspaces" {
  /** npm's own reading of a package.json's `workspaces`: each workspace's name and absolute folder. */
  export default function mapWorkspaces(options: { cwd: string; pkg: { workspaces?: unknown } }): Promise<Map<string, string>>;
}
