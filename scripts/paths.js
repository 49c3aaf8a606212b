// Resolves the `@register/*` aliases of tsconfig.json to the compiled libraries in dist/,
// so that `node -r ./scripts/paths.js dist/...` runs the build without a bundler.
const path = require('node:path');
require('tsconfig-paths').register({
  baseUrl: path.join(__dirname, '..', 'dist'),
  paths: { '@register/*': ['libs/*/src'] },
});
