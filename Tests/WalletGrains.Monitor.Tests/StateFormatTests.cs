using System.Text.Json;
using WalletGrains.Grains.Monitoring;
using WalletGrains.Runtime;

namespace WalletGrains.Monitor.Tests;

/// <summary>The monitor's grain state as the runtime reads it back, including one written before blocks kept event ids.</summary>
public sealed class StateFormatTests
{
    private static readonly JsonSerializerOptions StateJson = new SiloOptions().StateSerializerOptions;

    [Fact]
    public void A_block_keeps_its_event_id_range_across_a_write_and_a_read()
    {
        var state = new EventMonitorState { Started = true, NextBlock = 12, Recent = [new MonitoredBlock(11, "0xaa", "0xbb", 4_000_000_001, 1_001)] };

        var read = JsonSerializer.Deserialize<EventMonitorState>(JsonSerializer.Serialize(state, StateJson), StateJson)!;

        Assert.Equal(state.Recent, read.Recent);
        Assert.Equal(12UL, read.NextBlock);
    }

    [Fact]
    public void A_state_that_held_the_events_themselves_still_loads_with_no_ids()
    {
        const string Older = """
            {"started":true,"nextBlock":25,"recent":[{"number":24,"hash":"0x12","parentHash":"0x34",
             "events":[{"type":"transfer.outgoing","data":"{\"txHash\":\"0x56\"}"}]}]}
            """;

        var read = JsonSerializer.Deserialize<EventMonitorState>(Older, StateJson)!;

        var block = Assert.Single(read.Recent);
        Assert.Equal(new MonitoredBlock(24, "0x12", "0x34", 0, 0), block);
        Assert.Equal(25UL, read.NextBlock);
    }
}
