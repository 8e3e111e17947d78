export { readZipEntries, unpackZip, type UnpackResult, type ZipSource } from "./safe-unzip";
export { DEFAULT_UNPACK_LIMITS, type UnpackLimits } from "./unpack-limits";
export { UploadRejectedError, type UploadRejectedCode } from "./upload-rejected-error";
export { hubspotUploadIgnore, zipDirectory, type IgnoreRule, type ZipDirectoryOptions } from "./zip-project";
export { BuildError, type BuildErrorCode, type BuildProblem } from "./build-error";
export { installDependencies, type InstallDependenciesOptions, type InstalledDependencies } from "./dependency-cache";
