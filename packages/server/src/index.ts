export { loadConfig, type ServerConfig } from "./config.js";
export { startServer, buildApp, type RunningServer } from "./server.js";
export { seedDemo } from "./seed.js";
export { serverPlugins } from "./plugins.js";
