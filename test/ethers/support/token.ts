import { createRequire } from 'node:module'

const require = createRequire(new URL('../../../packages/ethers/package.json', import.meta.url))

/** A minimal ERC-20: balances, transfer, Transfer events. */
export const TOKEN_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Token {
  mapping(address => uint256) public balanceOf;
  uint256 public totalSupply;
  event Transfer(address indexed from, address indexed to, uint256 value);
  constructor(uint256 supply) {
    balanceOf[msg.sender] = supply;
    totalSupply = supply;
    emit Transfer(address(0), msg.sender, supply);
  }
  function transfer(address to, uint256 value) external returns (bool) {
    require(balanceOf[msg.sender] >= value, "balance too low");
    balanceOf[msg.sender] -= value;
    balanceOf[to] += value;
    emit Transfer(msg.sender, to, value);
    return true;
  }
}
`

/** The compiled token. */
export interface CompiledToken {
  abi: readonly unknown[]
  bytecode: string
}

let compiled: CompiledToken | undefined

/** Compiles {@link TOKEN_SOURCE} with the solc npm package (wasm, offline), once per process. */
export function compileToken(): CompiledToken {
  if (compiled !== undefined) return compiled
  const solc = require('solc') as { compile(input: string): string }
  const input = {
    language: 'Solidity',
    sources: { 'Token.sol': { content: TOKEN_SOURCE } },
    settings: {
      evmVersion: 'paris',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  }
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[]
    contracts: Record<
      string,
      Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>
    >
  }
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'))
  const token = out.contracts['Token.sol']?.Token
  if (token === undefined) throw new Error('Token not compiled')
  compiled = { abi: token.abi, bytecode: `0x${token.evm.bytecode.object}` }
  return compiled
}
