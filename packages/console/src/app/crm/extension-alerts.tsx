// The alerts an extension raised with `actions.addAlert`, shown above it in the console's own style.
import { Alert } from "@mantine/core";
import type { AlertType, CardAlert } from "../../extension-host";

const alertColors: Record<AlertType, string> = { info: "blue", success: "green", warning: "yellow", danger: "red", tip: "violet" };

export type ShownAlert = CardAlert & { key: number };

export function ExtensionAlerts({ alerts, onDismiss }: { alerts: ShownAlert[]; onDismiss(key: number): void }) {
  return alerts.map((alert) => (
    <Alert
      key={alert.key}
      mb="xs"
      color={alertColors[alert.type ?? "info"] ?? "blue"}
      title={alert.title}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={() => onDismiss(alert.key)}
      data-alert-type={alert.type ?? "info"}
    >
      {alert.message}
    </Alert>
  ));
}
