// test/ has no package.json of its own: the repository's one `yaml` (catalog) is installed for
// the demo, which reads steadfast.config.yaml with it.
export { parse as parseYaml } from '../../../examples/demo/node_modules/yaml/dist/index.js'
