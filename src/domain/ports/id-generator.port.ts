// Port (driven): unique ids for messages. The domain never draws randomness itself, so tests are repeatable.

export interface IdGeneratorPort {
  /** A new id, unique across the service (for example a UUID or ULID). */
  newId(): string;
}
