import neostandard from 'neostandard'

export default neostandard({ ts: true, ignores: ['node_modules', 'openapi', '.tap', 'dist', '.stryker-tmp', 'reports'] })
