-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: 10.12.0.7    Database: crm
-- ------------------------------------------------------
/*!40101 SET NAMES gbk */;

DROP TABLE IF EXISTS `waybill`;
CREATE TABLE `waybill` (
  `waybillno` varchar(255) DEFAULT NULL,
  `sender_name` varchar(255) DEFAULT NULL,
  `sender_phone` varchar(255) DEFAULT NULL,
  `sender_address` varchar(255) DEFAULT NULL,
  `recipient_name` varchar(255) DEFAULT NULL,
  `recipient_phone` varchar(255) DEFAULT NULL,
  `recipient_address` varchar(255) DEFAULT NULL,
  `weight_kg` varchar(255) DEFAULT NULL,
  `collected_at` varchar(255) DEFAULT NULL,
  KEY `idx_1` (`waybillno`)
) ENGINE=InnoDB DEFAULT CHARSET=gbk;

LOCK TABLES `waybill` WRITE;
INSERT INTO `waybill` (`waybillno`,`sender_name`,`sender_phone`,`sender_address`,`recipient_name`,`recipient_phone`,`recipient_address`,`weight_kg`,`collected_at`) VALUES ('775030699794025','王丽','15930943664','辽宁省葫芦岛市绥中县北京路527号和谐家园9栋3单元1665室','明华鹏','17401756847','安徽省池州市贵池区新华路111号幸福里4栋1单元2090室',5.52,'2025-02-17 04:02:18'),('775331268280915','魏刚辉','15995773005','黑龙江省双鸭山市集贤县花园街368号','张春梅','19919552927','河北省秦皇岛市北戴河区幸福街670号',15.81,'2024-11-26 13:07:03'),('773027562253511','巫鑫','16593172147','广东省湛江市坡头区学府路922号御景苑26栋3单元1127室','金军','15608863067','陕西省安康市岚皋县科技路643号世纪新城5栋1单元1952室',5.91,'2022-07-17 08:06:44'),('773796823609033','张宇轩','190-4122-9593','贵州省遵义市绥阳县解放路388号','宋霞','15329195117','广东省佛山市南海区光明路546号幸福里12栋1单元418室',7.64,'2022-07-07 17:49:46'),('771126508649157','赵紫萱','17630235556','山东省青岛市平度市建设路313号世纪新城3栋3单元1355室','梁志强','17402907119','贵州省贵阳市白云区中山路632号',21.03,'2024-07-25 20:36:59');
UNLOCK TABLES;

-- Dump completed on 2024-06-30 23:59:59
