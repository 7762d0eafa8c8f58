/** A start that cannot go on (a port taken, a bad variable): `guardbell start` prints its message alone. */
export class StartError extends Error {}
