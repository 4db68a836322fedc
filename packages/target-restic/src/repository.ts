import type { ResticOptions } from './options.js';

/** Backends restic reaches by a `kind:` prefix; anything else is a local path. */
const BACKENDS = ['sftp', 'rest', 's3', 'b2', 'azure', 'gs', 'swift', 'rclone'] as const;

/** A repository as the target uses it: the location restic is given, and what messages may show. */
export interface Repository {
  /** What restic's `-r` gets: a local path made absolute, or the location as written. */
  location: string;
  /** `local`, or the backend's prefix. */
  kind: 'local' | (typeof BACKENDS)[number];
  /** The location with any password in it blanked, for messages and logs. */
  shown: string;
  /** The password a `rest:` URL carries, if any: never shown. */
  urlPassword?: string | undefined;
  /** For `sftp:`: who and where to log in, for the ssh command. */
  sftp?: { login: string; host: string; port?: number | undefined } | undefined;
  /** For `sftp:`: the command that adds the server's key to the known hosts, for a message. */
  keyscan?: string | undefined;
  /** For `sftp:` with strict host key checking: the known hosts files ssh reads, and the server's name in them. */
  knownHosts?: { files: string[]; host: string; address: string; port: number } | undefined;
}

export function parseRepository(
  options: Pick<ResticOptions, 'repository'>,
  resolvePath: (path: string) => string,
): Repository {
  const { repository } = options;
  const kind = BACKENDS.find((backend) => repository.startsWith(`${backend}:`));
  if (!kind) {
    const location = resolvePath(repository);
    return { location, kind: 'local', shown: location };
  }
  const password = urlPassword(repository);
  const shown = password === undefined ? repository : repository.replace(`:${password}@`, ':***@');
  return {
    location: repository,
    kind,
    shown,
    urlPassword: password,
    sftp: kind === 'sftp' ? sftpLogin(repository) : undefined,
  };
}

/** `rest:https://user:secret@host/` carries a password (restic's REST server's basic auth). */
function urlPassword(repository: string): string | undefined {
  const url = /^[a-z0-9]+:([a-z]+:\/\/.*)$/i.exec(repository)?.[1];
  if (!url) return undefined;
  try {
    const password = new URL(url).password;
    return password || undefined; // as written (percent-encoded): what restic's own messages show
  } catch {
    return undefined;
  }
}

/** `sftp:user@host:/path` or `sftp://user@host:port//path` (restic's two spellings). */
function sftpLogin(repository: string): Repository['sftp'] {
  const url = /^sftp:\/\/(?:([^@/]+)@)?([^/:]+)(?::(\d+))?\//.exec(repository);
  if (url)
    return {
      login: url[1] ? `${url[1]}@${url[2]}` : url[2]!,
      host: url[2]!,
      port: url[3] ? Number(url[3]) : undefined,
    };
  const short = /^sftp:(?:([^@/:]+)@)?([^/:]+):/.exec(repository);
  if (!short) return undefined;
  return { login: short[1] ? `${short[1]}@${short[2]}` : short[2]!, host: short[2]! };
}
