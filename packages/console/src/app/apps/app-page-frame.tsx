// An app home page or settings page, run full-width by the extension host: no record, the viewer and the app as context.
import { useEffect, useRef, useState } from "react";
import type { ExtensionContext } from "../../extension-host";
import { ExtensionAlerts, type ShownAlert } from "../crm/extension-alerts";
import { mountHostedExtension } from "../crm/hosted-extension";
import type { AppPage, AppPagesAnswer } from "@sprocket/contract";

export function AppPageFrame({ page, viewer, label }: { page: AppPage; viewer: Omit<AppPagesAnswer, "results">; label: string }) {
  const element = useRef<HTMLDivElement>(null);
  const [alerts, setAlerts] = useState<ShownAlert[]>([]);
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    const context: ExtensionContext = {
      location: page.location,
      user: { ...viewer.user, locale: navigator.language, language: navigator.language.split("-")[0] },
      portal: viewer.portal,
      extension: { appId: page.appId, appName: page.appName },
    };
    let nextAlert = 0;
    setAlerts([]);
    const handle = mountHostedExtension(element.current!, {
      place: { appId: page.appId, cardUid: page.uid, location: page.location },
      title: label,
      bundleUrl: page.bundleUrl,
      context,
      services: {
        onAlert: (alert) => setAlerts((shown) => [...shown, { ...alert, key: nextAlert++ }]),
        // `actions.reloadPage()`: the page starts afresh.
        onReloadPage: () => setReloads((n) => n + 1),
      },
    });
    return () => handle.unmount();
    // Mounted again for another page, build, user or reload only: a re-render with equal values must not restart it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [page.appId, page.uid, page.bundleUrl, viewer.user.id, reloads]);
  return (
    <section aria-label={label} data-build-id={page.buildId}>
      <ExtensionAlerts alerts={alerts} onDismiss={(key) => setAlerts((shown) => shown.filter((a) => a.key !== key))} />
      <div ref={element} />
    </section>
  );
}
