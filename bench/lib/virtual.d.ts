declare module 'virtual:bench-elements' {
  const loaders: Record<string, () => Promise<unknown>>;
  export default loaders;
}
