import type { Logger } from "pino";
import type { AppAbility } from "../access/ability.js";
import type { Principal } from "../auth/principal.js";
import type { Db } from "../db/open-database.js";

/** What every service call receives explicitly: who asks, what they may do, and where data lives. */
export interface ServiceContext {
  db: Db;
  principal: Principal;
  ability: AppAbility;
  log: Logger;
}
