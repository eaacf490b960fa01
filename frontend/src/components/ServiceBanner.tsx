// A banner naming the services /ready reports down, or saying the API is unreachable.
import { downServices, useReady } from "../hooks/ready";

export function ServiceBanner() {
  const ready = useReady();
  if (ready.error) {
    return (
      <div className="banner banner-alarm" role="alert" data-testid="service-banner">
        The satmon API does not answer; the data on screen stops updating until it does.
      </div>
    );
  }
  const down = downServices(ready.data);
  if (down.length === 0) return null;
  return (
    <div className="banner banner-warning" role="alert" data-testid="service-banner">
      {down.length === 1 ? "A service is down" : `${down.length} services are down`}:{" "}
      {down.map((d) => `${d.service} (${d.role})`).join(", ")}. Views that need it show what they last had.
    </div>
  );
}
