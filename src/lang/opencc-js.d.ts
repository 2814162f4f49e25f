// opencc-js describes its subpath bundles in package.json "exports", which this project's
// module resolution ("node") does not read: point the two bundles used at the package's own types.
declare module 'opencc-js/t2cn' {
  export * from 'opencc-js/types/full';
}
declare module 'opencc-js/cn2t' {
  export * from 'opencc-js/types/full';
}
