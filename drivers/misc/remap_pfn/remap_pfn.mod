/work/main/drivers/misc/remap_pfn/main.o
/work/main/drivers/misc/remap_pfn/mmap.o
/work/main/drivers/misc/remap_pfn/alloc.o
