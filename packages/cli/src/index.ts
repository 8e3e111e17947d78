export { CliError } from "./cli-error";
export { SprocketClient } from "./api-client";
