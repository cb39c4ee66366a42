// Local build of this handler. The options are shared with synthesis
// (constructs/lambda reads the same file), so what you build here is what
// deploys.
const esbuild = require("esbuild");
const options = require("../../build-options.json");

esbuild.build({ ...options, absWorkingDir: __dirname }).catch(() => process.exit(1));
