// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// A minimal ERC-20-like token: enough for transfers, balances and Transfer events.
contract DemoToken {
    string public constant name = "Steadfast Demo Token";
    string public constant symbol = "SFD";
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);

    constructor(uint256 supply) {
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
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

/// Records IPFS CIDs on chain with the SHA-256 of their content.
contract DocumentRegistry {
    uint256 public count;
    mapping(string => bytes32) public digestOf;

    event DocumentRecorded(address indexed by, string cid, bytes32 sha256);

    function record(string calldata cid, bytes32 sha256Digest) external {
        require(digestOf[cid] == bytes32(0), "already recorded");
        digestOf[cid] = sha256Digest;
        count += 1;
        emit DocumentRecorded(msg.sender, cid, sha256Digest);
    }
}
