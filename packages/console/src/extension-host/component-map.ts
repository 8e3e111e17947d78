// Every component name HubSpot's SDK registers (shared.synced/remoteComponents.synced.js), mapped to
// the page's implementation. The test suite checks the list against the installed SDK.
import type { ComponentType } from "react";
import { actionComponents } from "./components/actions";
import { crmComponents } from "./components/crm";
import { dataComponents } from "./components/data";
import { feedbackComponents } from "./components/feedback";
import { formComponents } from "./components/forms";
import { layoutComponents } from "./components/layout";
import { overlayComponents } from "./components/overlays";
import { textComponents } from "./components/text";

export const componentMap: Record<string, ComponentType<any>> = {
  ...layoutComponents,
  ...textComponents,
  ...feedbackComponents,
  ...actionComponents,
  ...formComponents,
  ...dataComponents,
  ...overlayComponents,
  ...crmComponents,
};
