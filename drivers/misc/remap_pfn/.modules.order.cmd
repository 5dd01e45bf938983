cmd_/work/main/drivers/misc/remap_pfn/modules.order := {   echo /work/main/drivers/misc/remap_pfn/remap_pfn.ko; :; } > /work/main/drivers/misc/remap_pfn/modules.order
