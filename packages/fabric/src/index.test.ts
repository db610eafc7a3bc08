import { expect, it } from 'vitest'
import * as fabric from './index.js'

it('args: the public surface is the explicit export list', () => {
  expect(Object.keys(fabric).sort()).toEqual([
    'BlockCursor',
    'CALLER_ABORT_DETAILS',
    'ChaincodeEventCursor',
    'DRAINED_DETAILS',
    'FailoverCommit',
    'FailoverContract',
    'FailoverEventStream',
    'FailoverEventsRequest',
    'FailoverGateway',
    'FailoverNetwork',
    'FailoverProposal',
    'FailoverTransaction',
    'GatewayClosedError',
    'InvalidTransactionError',
    'MIN_KEEPALIVE_MS',
    'OfflineGatewayError',
    'StreamEndedError',
    'chainInfoProbe',
    'checkHealthz',
    'connectFailover',
    'defaultDeadlines',
    'isDuplicateTransaction',
    'shouldFailover',
  ])
})
