// The images' HEALTHCHECK: GET /healthz on this container, with Node itself (slim images
// have no curl). usage: node healthcheck.cjs <port variable> <default port>
// The port is read from the same variable the service reads, so changing PORT or
// METRICS_PORT in compose cannot leave the health check probing the old one.
const [variable, fallback] = process.argv.slice(2);
const port = process.env[variable] || fallback;
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2500) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  (error) => {
    console.error(`healthcheck: ${error.message}`);
    process.exit(1);
  },
);
