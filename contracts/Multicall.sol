// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Multicall
/// @notice WalletGrains' own batch-read contract. It exposes the same ABI as Multicall3 (the
/// contract found at 0xcA11bde05977b3631167028862bE2a173976CA11 on most chains), so the service
/// talks to dev chains and real chains the same way. Written for this project from that ABI.
contract Multicall {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Runs every call in order and returns each outcome. A failed call whose
    /// allowFailure is false reverts the whole batch (Multicall3's revert text).
    function aggregate3(Call3[] calldata calls) public payable returns (Result[] memory results) {
        uint256 count = calls.length;
        results = new Result[](count);
        for (uint256 i = 0; i < count; ++i) {
            Call3 calldata item = calls[i];
            (bool ok, bytes memory data) = item.target.call(item.callData);
            if (!ok && !item.allowFailure) {
                revert("Multicall3: call failed");
            }
            results[i] = Result({success: ok, returnData: data});
        }
    }

    /// @notice The ether balance of an account at the block the call runs in.
    function getEthBalance(address account) public view returns (uint256 balance) {
        balance = account.balance;
    }

    /// @notice The number of the block the call runs in.
    function getBlockNumber() public view returns (uint256 blockNumber) {
        blockNumber = block.number;
    }

    /// @notice The timestamp of the block the call runs in.
    function getCurrentBlockTimestamp() public view returns (uint256 timestamp) {
        timestamp = block.timestamp;
    }

    /// @notice The chain id the call runs on.
    function getChainId() public view returns (uint256 chainId) {
        chainId = block.chainid;
    }
}
