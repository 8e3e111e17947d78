export { hasErrors, type Diagnostic, type DiagnosticCode, type Severity } from "./diagnostic";
export { DEFAULT_PLATFORM_VERSION, validateProject, validateSource, type SourceOptions, type ValidateOptions, type ValidationResult } from "./validate-project";
export { fileText, loadProjectFromDir, projectFilesFromEntries, type ProjectFiles } from "./project-files";
export { diagnosticsToJson, renderDiagnostics, type RenderOptions } from "./render-diagnostics";
export { cardLocations, type AppModel, type CardLocation, type CardModel, type FunctionModel, type HttpMethod, type ProjectModel } from "./model";
export { isKnownScope, scopeCatalogue, suggestScope } from "./scope-catalogue";
export { objectTypeCatalogue, resolveObjectType, type ObjectTypeInfo, type ObjectTypeRef } from "./object-types";
export { isKnownPlatform, isLegacyPlatform, platformVersions } from "./platform-versions";
export { componentTypes, type ComponentType } from "./component-types";
