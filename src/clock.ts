/** The time source every service reads; tests inject one they can move (expiry, edit windows). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
