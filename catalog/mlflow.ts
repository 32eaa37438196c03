/**
 * The MLflow model registry's names, defined once for every side that meets them: the database
 * and the storage container the data stack creates, the two workload identities and the service
 * accounts they are federated with, the Key Vault secrets that carry their ids to the rendered
 * manifests, and the Service the Gateway's route points at (catalog/routes.ts).
 */
import { PLATFORM_NAMESPACE } from './services';

export const MLFLOW_DATABASE = 'mlflow';
/** The Blob container MLflow's artifact proxy writes to; its identity is a data contributor there only. */
export const MLFLOW_CONTAINER = 'mlflow';

/**
 * The tracking server: Deployment, Service, ServiceAccount and PostgreSQL role suffix. It listens
 * on 5000 (`mlflow server --port`, the CLI's default) for the UI, the REST API and the artifact
 * proxy, and serves Prometheus metrics there too (`--expose-prometheus`, path /metrics).
 */
export const MLFLOW_SERVER = { name: 'mlflow', namespace: PLATFORM_NAMESPACE, httpPort: 5000 } as const;

export interface MlflowIdentity {
  /** Suffix of the user-assigned identity's name; its Azure name is also its PostgreSQL role. */
  readonly name: string;
  readonly serviceAccount: string;
  readonly clientIdSecret: string;
  readonly objectIdSecret: string;
}

const identity = (name: string): MlflowIdentity => ({ name, serviceAccount: name, clientIdSecret: `${name}-client-id`, objectIdSecret: `${name}-object-id` });

export const MLFLOW_IDENTITIES = {
  /** The tracking server and its schema upgrade: owner of the mlflow database's tables, Blob data contributor on MLFLOW_CONTAINER. */
  server: identity(MLFLOW_SERVER.name),
  /** An Entra admin of the server, only to create the server's Entra role and hand it the database (Azure lets no one else create Entra roles). */
  bootstrap: identity('mlflow-bootstrap'),
} as const satisfies Record<string, MlflowIdentity>;
