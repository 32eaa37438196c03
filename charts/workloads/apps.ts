/** The workload apps (agent services, vLLM serving, LLM router) `platform render` writes. */
import type { AppBuilder } from '../app-builder';

export const WORKLOAD_APPS: Record<string, AppBuilder> = {};
