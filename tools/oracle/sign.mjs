// Test oracle: signs and serializes transactions with ethers, one JSON object per stdin line.
// Input:  {"key": "0x..", "tx": {type, chainId, nonce, gasLimit, to|null, value, data,
//          gasPrice | maxPriorityFeePerGas + maxFeePerGas, accessList?: [{address, storageKeys}]}}
//         (integers as decimal strings)
// Output: {"raw", "hash", "from", "signingHash"} or {"error"} per line, in input order.
// Keys only travel on stdin and are never printed.
import { createInterface } from "node:readline";
import { SigningKey, Transaction, computeAddress } from "ethers";

function sign(line) {
  const { key, tx } = JSON.parse(line);
  const fields = {
    type: tx.type,
    chainId: BigInt(tx.chainId),
    nonce: Number(tx.nonce),
    gasLimit: BigInt(tx.gasLimit),
    to: tx.to,
    value: BigInt(tx.value),
    data: tx.data,
  };
  if (tx.type === 2) {
    fields.maxPriorityFeePerGas = BigInt(tx.maxPriorityFeePerGas);
    fields.maxFeePerGas = BigInt(tx.maxFeePerGas);
  } else {
    fields.gasPrice = BigInt(tx.gasPrice);
  }
  if (tx.type !== 0) {
    fields.accessList = tx.accessList;
  }

  const signingKey = new SigningKey(key);
  const transaction = Transaction.from(fields);
  transaction.signature = signingKey.sign(transaction.unsignedHash);
  if (transaction.from !== computeAddress(signingKey.publicKey)) {
    throw new Error("ethers recovered a different sender than the signing key");
  }
  return {
    raw: transaction.serialized,
    hash: transaction.hash,
    from: transaction.from,
    signingHash: transaction.unsignedHash,
  };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === "") continue;
  let result;
  try {
    result = sign(line);
  } catch (e) {
    result = { error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}
