/**
 * Names and identities the storage layer and the JupyterHub release must agree on: the
 * namespace the hub runs in, the EFS-backed claims it mounts, and the POSIX identity of
 * the notebook user (jovyan in the Jupyter docker-stacks images: uid 1000, gid 100), which
 * the EFS access points enforce.
 */
export const HUB_NAMESPACE = 'jupyterhub';

/** ReadWriteMany claim whose per-user subdirectories are the home directories. */
export const HOME_CLAIM = 'home';

/** ReadWriteMany claim of the course material folder: read-only for participants, writable for instructors. */
export const SHARED_CLAIM = 'shared';

export const NOTEBOOK_UID = 1000;
export const NOTEBOOK_GID = 100;

/** StorageClass of dynamically provisioned EFS volumes (one access point per claim). */
export const EFS_STORAGE_CLASS = 'efs';

/** The default StorageClass: encrypted gp3 EBS, for the hub database. */
export const EBS_STORAGE_CLASS = 'gp3';
