import { expect, it } from 'vitest'
import * as api from './index.js'

it('behavior: the public surface is exactly this list (a change shows in review)', () => {
  expect(Object.keys(api).sort()).toEqual([
    'ChainMismatchError',
    'EndpointsExhaustedError',
    'FailoverProvider',
    'HttpStatusError',
    'InvalidResponseError',
    'METHOD_SAFETY',
    'PRESETS',
    'PinnedProvider',
    'ReplicaBehindError',
    'RpcErrorResponse',
    'TESSERA_UP',
    'TransportError',
    'evmProbe',
    'methodSafety',
    'shouldFailover',
    'tesseraUpcheck',
  ])
})
