namespace NbaSim.Observability.Pipeline;

/// <content>DiskDeliveryQueue: spool files loaded, acknowledged, deleted or evicted; memory kept within its bound.</content>
internal sealed partial class DiskDeliveryQueue
{
    private void Load(SpoolFile file)
    {
        _unloadedDatums -= Math.Max(0, file.Info.Datums);
        var quarantinedBefore = _store.RecordsQuarantined;
        var datums = _store.Read(file.Info.Path);
        if (_store.RecordsQuarantined > quarantinedBefore)
        {
            // Records that failed validation can never be sent: counted as dropped (the store logged why).
            _statistics.Dropped(_store.RecordsQuarantined - quarantinedBefore);
        }

        if (datums is null)
        {
            // Quarantined (logged) or unreadable now (left on disk for the next start).
            Forget(file);
            return;
        }

        file.Loaded = true;
        foreach (var datum in datums)
        {
            var item = new SpooledDatum(datum, file);
            file.Outstanding.Add(item);
            file.Lane.Loaded.AddLast(item);
        }

        if (datums.Count == 0)
        {
            Delete(file);
        }
    }

    private void Acknowledge(QueuedDatum item)
    {
        if (FileOf(item) is not { } file)
        {
            return;
        }

        file.Outstanding.Remove(item);
        if (file.Outstanding.Count == 0 && file.Leased == 0)
        {
            Delete(file);
        }
        else
        {
            file.PartlyAcknowledged = true;
        }
    }

    private void Delete(SpoolFile file)
    {
        if (!_store.Delete(file.Info.Path))
        {
            // Logged by the store. It is not read again by this process; a restart would send it again.
        }

        Forget(file);
    }

    private void Forget(SpoolFile file)
    {
        if (_files.Remove(file))
        {
            _bytes -= file.Info.Bytes;
        }
    }

    /// <summary>Past the size cap, the oldest files not in flight go first (counted and logged).</summary>
    private void MakeRoom()
    {
        for (var i = 0; _bytes > _maxBytes && i < _files.Count;)
        {
            var file = _files[i];
            if (file.Leased > 0)
            {
                i++;
                continue;
            }

            int lost;
            if (file.Loaded)
            {
                lost = file.Outstanding.Count;
                for (var node = file.Lane.Loaded.First; node is not null;)
                {
                    var next = node.Next;
                    if (FileOf(node.Value) == file)
                    {
                        file.Lane.Loaded.Remove(node);
                    }

                    node = next;
                }
            }
            else
            {
                lost = file.Info.Datums >= 0 ? file.Info.Datums : _store.Read(file.Info.Path)?.Count ?? 0;
                _unloadedDatums -= Math.Max(0, file.Info.Datums);
                var rest = file.Lane.Unloaded.Where(f => f != file).ToList();
                file.Lane.Unloaded.Clear();
                foreach (var f in rest)
                {
                    file.Lane.Unloaded.Enqueue(f);
                }
            }

            Delete(file);
            _statistics.Dropped(lost);
            Internal.Log.SpoolFull(_logger, _maxBytes, lost);
        }
    }

    private void TrimMemory()
    {
        var over = _inMemory.Count - _memoryCapacity;
        if (over > 0)
        {
            for (var i = 0; i < over; i++)
            {
                _inMemory.RemoveFirst();
            }

            _onMemoryDropped(over);
        }
    }
}
