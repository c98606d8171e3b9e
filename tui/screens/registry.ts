/** The screens in tab order: number keys 1..5 follow this list. @module */
import type { FunctionComponent } from "react";
import { BACKUP_KEYS, BackupsScreen } from "./backups_screen.tsx";
import { CACHE_KEYS, CacheScreen } from "./cache_screen.tsx";
import { CONSISTENCY_KEYS, ConsistencyScreen } from "./consistency_screen.tsx";
import { HEALTH_KEYS, HealthScreen } from "./health_screen.tsx";
import { PARTITION_KEYS, PartitionsScreen } from "./partitions_screen.tsx";
import type { ScreenKey, ScreenProps } from "./screen.ts";

export interface ScreenEntry {
  readonly title: string;
  readonly Component: FunctionComponent<ScreenProps>;
  readonly keys: readonly ScreenKey[];
}

export const SCREENS: readonly ScreenEntry[] = [
  { title: "Health", Component: HealthScreen, keys: HEALTH_KEYS },
  { title: "Cache", Component: CacheScreen, keys: CACHE_KEYS },
  { title: "Partitions", Component: PartitionsScreen, keys: PARTITION_KEYS },
  { title: "Backups", Component: BackupsScreen, keys: BACKUP_KEYS },
  { title: "Consistency", Component: ConsistencyScreen, keys: CONSISTENCY_KEYS },
];
