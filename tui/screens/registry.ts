/** The screens in tab order: number keys 1..5 follow this list. @module */
import type { FunctionComponent } from "react";
import { CACHE_KEYS, CacheScreen } from "./cache_screen.tsx";
import { HEALTH_KEYS, HealthScreen } from "./health_screen.tsx";
import type { ScreenKey, ScreenProps } from "./screen.ts";

export interface ScreenEntry {
  readonly title: string;
  readonly Component: FunctionComponent<ScreenProps>;
  readonly keys: readonly ScreenKey[];
}

export const SCREENS: readonly ScreenEntry[] = [
  { title: "Health", Component: HealthScreen, keys: HEALTH_KEYS },
  { title: "Cache", Component: CacheScreen, keys: CACHE_KEYS },
];
