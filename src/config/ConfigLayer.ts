/**
 * One source of config values, before validation: a parsed YAML file, or the `--opts` overrides.
 * Layers are merged in order, later ones winning key by key.
 */
export interface ConfigLayer {
  /** Where the values came from, as shown in messages: a file path, or `--opts`. */
  readonly source: string;
  /** The parsed mapping, as the YAML parser (or the override parser) produced it. */
  readonly data: Readonly<Record<string, unknown>>;
}
