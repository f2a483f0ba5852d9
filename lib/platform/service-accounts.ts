/**
 * The Kubernetes service accounts that assume IAM roles. The cluster stack's role trust
 * policies and the platform stack's Helm values both read them from here.
 */
export interface ServiceAccountName {
  readonly namespace: string;
  readonly name: string;
}

export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT: ServiceAccountName = {
  namespace: 'kube-system',
  name: 'cluster-autoscaler',
};

export const TERMINATION_HANDLER_SERVICE_ACCOUNT: ServiceAccountName = {
  namespace: 'kube-system',
  name: 'aws-node-termination-handler',
};

export const EFS_CSI_CONTROLLER_SERVICE_ACCOUNT: ServiceAccountName = {
  namespace: 'kube-system',
  name: 'efs-csi-controller-sa',
};

/** Chart values creating `account`, annotated with the IRSA role it assumes. */
export function serviceAccountValues(account: ServiceAccountName, roleArn: string) {
  return { create: true, name: account.name, annotations: { 'eks.amazonaws.com/role-arn': roleArn } };
}
