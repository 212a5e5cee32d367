/** Intelligence: alerts, and their correlation with local cargo. */
export { alertRoutes } from './alerts.routes.ts';
export { AlertService } from './alerts.service.ts';
