declare module 'pino-roll' {
  interface PinoRollOptions {
    file: string | (() => string);
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    symlink?: boolean;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    dateFormat?: string;
    mkdir?: boolean;
    mode?: number;
  }
  type RollStream = NodeJS.WritableStream & { end(): void; flushSync?(): void };
  export default function pinoRoll(options: PinoRollOptions): Promise<RollStream>;
}
