import { ServiceBanner } from "./components/ServiceBanner";
import { useAlerts } from "./hooks/alerts";
import { Link, useLocation } from "./lib/router";
import { AlertsView } from "./views/AlertsView";
import { FleetView } from "./views/FleetView";
import { GroundView } from "./views/GroundView";
import { JobView } from "./views/JobView";
import { JobsView } from "./views/JobsView";
import { TrendsView } from "./views/TrendsView";

const NAV = [
  { to: "/trends", label: "Trends" },
  { to: "/fleet", label: "Fleet" },
  { to: "/ground", label: "Ground track" },
  { to: "/alerts", label: "Alerts" },
  { to: "/jobs", label: "Jobs & search" },
] as const;

function Page({ path }: { path: string }) {
  const job = /^\/jobs\/(.+)$/.exec(path);
  if (job?.[1]) return <JobView jobId={decodeURIComponent(job[1])} />;
  switch (path) {
    case "/fleet":
      return <FleetView />;
    case "/ground":
      return <GroundView />;
    case "/alerts":
      return <AlertsView />;
    case "/jobs":
      return <JobsView />;
    default:
      return <TrendsView />;
  }
}

export function App() {
  const { path } = useLocation();
  const open = useAlerts({ acknowledged: false, limit: 1000 }, 15_000);
  const openCount = open.data?.length ?? 0;
  const current = path === "/" ? "/trends" : path;
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true" />
          satmon
        </div>
        <nav aria-label="Views">
          {NAV.map((item) => (
            <Link key={item.to} to={item.to} className={current.startsWith(item.to) ? "active" : ""}>
              {item.label}
              {item.to === "/alerts" && openCount > 0 ? (
                <span className="badge" data-testid="open-alerts" title={`${openCount} open alerts`}>
                  {openCount >= 1000 ? "999+" : openCount}
                </span>
              ) : null}
            </Link>
          ))}
        </nav>
        <div className="muted small utc-note">All times UTC</div>
      </header>
      <ServiceBanner />
      <main>
        <Page path={current} />
      </main>
    </div>
  );
}
