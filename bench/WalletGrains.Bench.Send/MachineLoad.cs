using System.Diagnostics;
using System.Globalization;

namespace WalletGrains.Bench.Send;

/// <summary>Average cores busy over a measured window, split by who used them.</summary>
/// <param name="Machine">All processes (from /proc/stat).</param>
/// <param name="Silo">This process: the silo, and the load generator unless it runs in a process of its own.</param>
/// <param name="Anvil">The anvil child process.</param>
/// <param name="Postgres">The benchmark's PostgreSQL cluster (postmaster and its children); 0 without one.</param>
/// <param name="Client">The load agent's process (<c>--client-process</c>); null when the load generator is in this process.</param>
/// <param name="Stolen">Time the hypervisor ran something else while this machine had work (/proc/stat's steal), counted in <paramref name="Machine"/>.</param>
internal sealed record CpuUse(double Machine, double Silo, double Anvil, double Postgres, double? Client = null, double Stolen = 0)
{
    /// <summary>Everything else on the machine (other users of the shared cores).</summary>
    public double Other => Math.Max(0, Machine - Silo - Anvil - Postgres - (Client ?? 0));

    /// <summary>What <see cref="Silo"/> stands for: "silo+client", or "silo" when the client has a process of its own.</summary>
    public string SiloLabel => Client is null ? "silo+client" : "silo";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Machine:0.0} = {Silo:0.0} {SiloLabel}{(Client is { } client ? $", {client:0.0} client" : "")}, {Anvil:0.0} anvil{(Postgres > 0 ? $", {Postgres:0.0} pg" : "")}, {Other:0.0} other{(Stolen >= 0.05 ? $" ({Stolen:0.0} of it stolen by the host)" : "")}");
}

/// <summary>
/// CPU use over a measured window from /proc: the machine, this process, anvil (a child of this
/// process) and the PostgreSQL cluster listening on a given port, so a row can say whether the 2
/// cores were the limit and who had them.
/// </summary>
internal sealed class MachineLoad
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux.

    private readonly int? _postgresPort;
    private readonly int? _clientProcess;
    private readonly long _client;
    private readonly (long Busy, long Total, long Steal) _machine;
    private readonly Dictionary<int, long> _anvil;
    private readonly Dictionary<int, long> _postgres;
    private readonly TimeSpan _process;
    private readonly long _start;

    private MachineLoad(int? postgresPort, int? clientProcess)
    {
        _postgresPort = postgresPort;
        _clientProcess = clientProcess;
        _client = ProcessTicks(clientProcess);
        _machine = ReadProcStat();
        _anvil = AnvilTicks();
        _postgres = PostgresTicks(postgresPort);
        _process = Process.GetCurrentProcess().TotalProcessorTime;
        _start = Stopwatch.GetTimestamp();
    }

    /// <param name="clientProcess">The load agent's process id, when the load generator runs in a process of its own.</param>
    public static MachineLoad Start(int? postgresPort = null, int? clientProcess = null) => new(postgresPort, clientProcess);

    public CpuUse Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_start);
        var (busy, total, steal) = ReadProcStat();
        var machine = total > _machine.Total ? (double)(busy - _machine.Busy) / (total - _machine.Total) * Environment.ProcessorCount : double.NaN;
        var stolen = total > _machine.Total ? (double)(steal - _machine.Steal) / (total - _machine.Total) * Environment.ProcessorCount : 0;
        var process = (Process.GetCurrentProcess().TotalProcessorTime - _process) / wall;
        double? client = _clientProcess is null ? null : (ProcessTicks(_clientProcess) - _client) / TicksPerSecond / wall.TotalSeconds;
        return new CpuUse(machine, process, Cores(_anvil, AnvilTicks(), wall), Cores(_postgres, PostgresTicks(_postgresPort), wall), client, stolen);
    }

    /// <summary>/proc/loadavg as it is (1, 5 and 15 minute load averages, runnable/total tasks, last pid).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "(no /proc/loadavg)";

    private static double Cores(Dictionary<int, long> before, Dictionary<int, long> after, TimeSpan wall) =>
        after.Sum(p => p.Value - before.GetValueOrDefault(p.Key)) / TicksPerSecond / wall.TotalSeconds;

    private static long ProcessTicks(int? pid) =>
        pid is { } id ? Processes().FirstOrDefault(p => p.Id == id)?.Ticks ?? 0 : 0;

    private static Dictionary<int, long> AnvilTicks()
    {
        var self = Environment.ProcessId;
        return Processes().Where(p => p.ParentId == self && p.Name == "anvil").ToDictionary(p => p.Id, p => p.Ticks);
    }

    private static Dictionary<int, long> PostgresTicks(int? port)
    {
        if (port is not { } p)
        {
            return [];
        }

        var all = Processes().ToList();
        var flag = "-p " + p.ToString(CultureInfo.InvariantCulture) + " ";
        var postmaster = all.FirstOrDefault(x => x.Name == "postgres" && (CommandLine(x.Id) + " ").Contains(flag, StringComparison.Ordinal));
        return postmaster is null
            ? []
            : all.Where(x => x.Id == postmaster.Id || x.ParentId == postmaster.Id).ToDictionary(x => x.Id, x => x.Ticks);
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private sealed record ProcInfo(int Id, int ParentId, string Name, long Ticks);

    /// <summary>Every process's parent, name and CPU ticks (utime + stime) from /proc/[pid]/stat.</summary>
    private static IEnumerable<ProcInfo> Processes()
    {
        if (!Directory.Exists("/proc"))
        {
            yield break;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // Exited meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (comm) state ppid ... utime stime ...": comm may hold spaces, so split after the last ')'.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open)
            {
                continue;
            }

            var rest = stat[(close + 2)..].Split(' ');
            yield return new ProcInfo(
                pid,
                int.Parse(rest[1], CultureInfo.InvariantCulture),
                stat[(open + 1)..close],
                long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture));
        }
    }

    private static (long Busy, long Total, long Steal) ReadProcStat()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (0, 0, 0);
        }

        // First line: "cpu user nice system idle iowait irq softirq steal ..." in clock ticks.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        var idle = fields[3] + fields[4];
        return (total - idle, total, fields[7]);
    }
}
