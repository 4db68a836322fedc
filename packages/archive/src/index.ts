/**
 * `@pickup/archive`: the archive format of the folder sources, for any plugin that archives folders:
 * deterministic tar (gzip, zstd or none), the ordered walk with `.gitignore`-style excludes, safe
 * extraction, and the options those sources share.
 */
export { writeTarGz, type TarGzOptions, type TarGzStats } from './tar-gz.js';
export { extractTarGz, type ExtractOptions, type ExtractStats } from './extract.js';
export { escapeName, walk, type WalkEntry, type WalkOptions } from './walk.js';
export { archiveExtension, archiveOptions, problemHandler, warnIfEmpty, type ArchiveOptions } from './options.js';
export { folderInitOptions } from './init.js';
export { checkRestoredFolder, folderFacts, type FolderFacts } from './drill.js';
