export { CLIENT_ROUTE, DASHBOARD_ASSETS_URL, DASHBOARD_CSP, mountDashboard } from './mount-dashboard';
export type { DashboardOptions } from './mount-dashboard';
