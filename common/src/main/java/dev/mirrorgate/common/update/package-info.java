/**
 * Push-to-deploy decisions, pure: which containers of a workload are tracked and by which policy
 * ({@link dev.mirrorgate.common.update.WorkloadTracker}), how tags order as versions ({@link
 * dev.mirrorgate.common.update.Version}), and which pushed or listed image a tracked container
 * moves to ({@link dev.mirrorgate.common.update.UpdateDecider}). Values in, values out: no client,
 * no clock, no I/O. The rules are the push-to-deploy contract of ARCHITECTURE.md.
 */
package dev.mirrorgate.common.update;
