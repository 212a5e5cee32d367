/** Federation: identity, partners, sharing policy, signed transport, inbox and feed. */

export { federationRoutes } from './federation.routes.ts';
export { FederationService } from './federation.service.ts';
export { loadOrCreateIdentity } from './identity.ts';
export { decideSharing } from './sharing.ts';
export { startFederationWorker } from './worker.ts';
