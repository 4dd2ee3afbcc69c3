package io.syncline.pipeline;

import java.util.ArrayList;
import java.util.List;

import io.syncline.record.SourceRecord;
import io.syncline.validation.FlowSchema;

/**
 * A chunk of records that an intake already parsed, validated and mapped ({@link SyncPipeline#check}) while the chunk
 * before it was being delivered. It is the chunk's list of records as any other; the pipeline takes the result
 * instead of checking again, unless the flow's schema was reloaded since.
 */
public final class CheckedChunk extends ArrayList<SourceRecord> {

    private static final long serialVersionUID = 1L;

    private final transient FlowSchema checkedAgainst;
    private final transient SyncPipeline.Checked checked;

    public CheckedChunk(List<SourceRecord> records, FlowSchema checkedAgainst, SyncPipeline.Checked checked) {
        super(records);
        this.checkedAgainst = checkedAgainst;
        this.checked = checked;
    }

    FlowSchema checkedAgainst() {
        return checkedAgainst;
    }

    SyncPipeline.Checked checked() {
        return checked;
    }
}
