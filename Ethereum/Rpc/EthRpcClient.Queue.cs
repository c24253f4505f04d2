using System.Globalization;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>
/// The POST queue of a client with <see cref="RpcClientOptions.MaxConcurrentRequests"/>: at most that many POSTs are
/// in flight; requests made meanwhile wait, and when a POST comes back the waiting ones go out together as one batch.
/// A thousand accounts polling at once then cost the node a handful of HTTP requests instead of a thousand, while a
/// lone caller's request goes out at once and as it was written (a single call stays a single JSON object).
/// </summary>
public sealed partial class EthRpcClient
{
    private readonly Lock _queueLock = new();
    private readonly Queue<QueuedPost> _waiting = new();
    private int _postsInFlight;
    private long _posts;
    private long _mergedPosts;

    /// <summary>POSTs sent through the queue, and how many of them carried more than one caller's requests.</summary>
    public (long Posts, long Merged) QueueCounts => (Interlocked.Read(ref _posts), Interlocked.Read(ref _mergedPosts));

    private async Task SendQueuedAsync(QueuedPost post, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var limit = timeout ?? Options.Timeout;
        post.Deadline = DateTime.UtcNow + limit;
        lock (_queueLock)
        {
            _waiting.Enqueue(post);
        }

        StartPosts();
        try
        {
            await post.Done.Task.WaitAsync(limit, cancellationToken);
        }
        catch (TimeoutException e)
        {
            post.Abandoned = true;
            var error = new RpcException(post.Label, RpcErrorKind.Timeout,
                $"{post.Label} to {_endpointLabel} got no answer within {limit.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms.", innerException: e);
            foreach (var entry in post.Entries)
            {
                entry.Fail(error);
            }

            throw error;
        }
        catch (OperationCanceledException)
        {
            post.Abandoned = true;
            throw;
        }
    }

    /// <summary>Starts POSTs while fewer than the limit are in flight, each carrying as many waiting callers as fit.</summary>
    private void StartPosts()
    {
        List<List<QueuedPost>>? groups = null;
        lock (_queueLock)
        {
            while (_postsInFlight < Options.MaxConcurrentRequests && _waiting.Count > 0)
            {
                var group = new List<QueuedPost>();
                var (requests, bytes) = (0, 1);
                while (_waiting.TryPeek(out var next))
                {
                    if (next.Abandoned)
                    {
                        _waiting.Dequeue();
                        continue;
                    }

                    // In the merged array a single call takes its bytes and a comma; a batch its bytes without brackets, plus a comma.
                    var size = next.Single ? next.Body.Length + 1 : next.Body.Length - 1;
                    if (group.Count > 0 && (requests + next.Entries.Length > Options.MaxBatchSize || bytes + size > Options.MaxRequestBytes))
                    {
                        break;
                    }

                    _waiting.Dequeue();
                    group.Add(next);
                    requests += next.Entries.Length;
                    bytes += size;
                }

                if (group.Count == 0)
                {
                    break;
                }

                _postsInFlight++;
                (groups ??= []).Add(group);
            }
        }

        if (groups is null)
        {
            return;
        }

        // The POST serves every caller in it: it must not carry the context (call chain, request scope) of the one
        // whose call happened to start it.
        using (ExecutionContext.SuppressFlow())
        {
            foreach (var group in groups)
            {
                _ = PostGroupAsync(group);
            }
        }
    }

    private async Task PostGroupAsync(List<QueuedPost> group)
    {
        try
        {
            var remaining = group.Max(p => p.Deadline) - DateTime.UtcNow;
            var timeout = remaining > TimeSpan.FromMilliseconds(1) ? remaining : TimeSpan.FromMilliseconds(1);
            Interlocked.Increment(ref _posts);
            if (group.Count == 1 && group[0].Single)
            {
                var post = group[0];
                var (document, status) = await PostAsync(post.Body, post.Label, timeout, CancellationToken.None);
                using (document)
                {
                    post.Entries[0].Complete(document.RootElement, status, post.FirstId);
                }
            }
            else
            {
                if (group.Count > 1)
                {
                    Interlocked.Increment(ref _mergedPosts);
                }

                var label = group.Count == 1 ? group[0].Label : BatchLabel(group.Sum(p => p.Entries.Length), group[0].Entries[0].Method);
                var (document, status) = await PostAsync(MergeBodies(group), label, timeout, CancellationToken.None);
                using (document)
                {
                    CompleteBatch(document.RootElement, status, label, [.. group.Select(p => (p.Entries, p.FirstId))]);
                }
            }

            foreach (var post in group)
            {
                post.Done.TrySetResult();
            }
        }
        catch (Exception e)
        {
            var error = e as RpcException ?? new RpcException(group[0].Label, RpcErrorKind.Unknown, $"{group[0].Label} failed: {e.Message}", innerException: e);
            foreach (var post in group)
            {
                foreach (var entry in post.Entries)
                {
                    entry.Fail(error);
                }

                post.Done.TrySetException(error);
            }
        }
        finally
        {
            lock (_queueLock)
            {
                _postsInFlight--;
            }

            StartPosts();
        }
    }

    /// <summary>One JSON array of every request in the group (a batch's own array brackets dropped, a single call taken whole).</summary>
    private static byte[] MergeBodies(List<QueuedPost> group)
    {
        if (group.Count == 1)
        {
            return group[0].Body;
        }

        var length = 1 + group.Sum(p => p.Single ? p.Body.Length + 1 : p.Body.Length - 1);
        var body = new byte[length];
        var at = 0;
        body[at++] = (byte)'[';
        foreach (var post in group)
        {
            var items = post.Single ? post.Body.AsSpan() : post.Body.AsSpan(1, post.Body.Length - 2);
            items.CopyTo(body.AsSpan(at));
            at += items.Length;
            body[at++] = (byte)',';
        }

        body[at - 1] = (byte)']';
        return body;
    }

    /// <summary>
    /// One caller's requests waiting for a POST: a single call (its JSON object) or a batch chunk (its JSON array), the
    /// ids counting up from <see cref="FirstId"/>.
    /// </summary>
    private sealed class QueuedPost(IRpcBatchEntry[] entries, long firstId, byte[] body, bool single, string label)
    {
        public IRpcBatchEntry[] Entries { get; } = entries;

        public long FirstId { get; } = firstId;

        public byte[] Body { get; } = body;

        public bool Single { get; } = single;

        public string Label { get; } = label;

        public DateTime Deadline { get; set; }

        /// <summary>The caller gave up (timeout, cancellation); a POST not yet started leaves it out.</summary>
        public volatile bool Abandoned;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
