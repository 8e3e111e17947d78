export { hasErrors, sortDiagnostics, type Diagnostic, type DiagnosticCode, type Severity } from "./diagnostic";
export {
  DEFAULT_PLATFORM_VERSION,
  validateProject,
  validateSource,
  type SourceOptions,
  type ValidateOptions,
  type ValidationResult,
} from "./validate-project";
export {
  fileText,
  loadProjectFolder,
  loadProjectFromDir,
  projectFilesFromEntries,
  type HiddenFolder,
  type LoadedFolder,
  type ProjectFiles,
} from "./project-files";
export { calledFunctionNames, checkCardFunctionCalls, type CompiledCard } from "./card-function-calls";
export { checkAccountSecrets } from "./account-secrets";
export { diagnosticsToJson, renderDiagnostics, type RenderOptions } from "./render-diagnostics";
export {
  cardLocations,
  type AppModel,
  type CardLocation,
  type CardModel,
  type ExtensionModel,
  type ExtensionType,
  type FeatureModel,
  type FeatureType,
  type FunctionModel,
  type HttpMethod,
  type OAuthModel,
  type ProjectModel,
} from "./model";
export { isKnownScope, scopeCatalogue, suggestScope } from "./scope-catalogue";
export { objectTypeCatalogue, resolveObjectType, type ObjectTypeInfo, type ObjectTypeRef } from "./object-types";
export { deprecatedPlatformVersions, isKnownPlatform, isLegacyPlatform, platformVersions } from "./platform-versions";
export { componentTypes, internalType, type ComponentRole, type ComponentType } from "./component-types";
export { componentJsonSchemas } from "./component-json-schemas";
export { uidProblem } from "./uid";
export type { WorkflowActionConfig } from "./component-configs";
export type { AppEventConfig, AppObjectAssociationConfig, AppObjectConfig } from "./component-configs";
