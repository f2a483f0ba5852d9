/**
 * Preloaded after tsx (bin/app.cjs, SOURCE_NODE_ARGS): turns Node's source maps off again,
 * so that cdktf's stack trace for every token is not mapped frame by frame.
 */
process.setSourceMapsEnabled(false);
